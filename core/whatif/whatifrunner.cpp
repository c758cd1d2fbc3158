#include "whatif/whatifrunner.h"

#include <QMetaObject>
#include <QStringList>

#include <chrono>

using namespace Qt::StringLiterals;

namespace bw {

QString whatIfPolicyKey(const QString &preset, const ParameterValues &values)
{
    QStringList parts{preset};
    for (auto it = values.cbegin(); it != values.cend(); ++it)
        parts << it.key() + u'=' + (it.value().isNull() ? u"null"_s : it.value().toString());
    return parts.join(u'|');
}

struct WhatIfRunner::Job
{
    WhatIfBatch batch;
    std::shared_ptr<const WhatIfHistory> history;
    std::vector<WhatIfJobCandidate> candidates;
    std::vector<std::size_t> toRun; // indexes into candidates / batch.results
    bool keepTransitions = false;
    std::shared_ptr<std::atomic_bool> cancel;
};

namespace {
QString cacheKey(const QString &history, const QString &policy, bool transitions)
{
    return history + u'\n' + policy + (transitions ? u"\nT"_s : u"\n-"_s);
}
} // namespace

WhatIfRunner::WhatIfRunner(QObject *parent) : QObject(parent)
{
    qRegisterMetaType<bw::WhatIfBatch>();
}

WhatIfRunner::~WhatIfRunner()
{
    cancel();
    if (m_worker.joinable())
        m_worker.join();
}

void WhatIfRunner::cancel()
{
    if (m_cancel)
        m_cancel->store(true);
}

void WhatIfRunner::setCacheCapacity(int results)
{
    m_capacity = std::max(0, results);
    while (static_cast<int>(m_order.size()) > m_capacity) {
        m_cache.remove(m_order.front().first);
        m_order.pop_front();
    }
}

void WhatIfRunner::clearCache()
{
    m_cache.clear();
    m_order.clear();
}

const WhatIfResult *WhatIfRunner::cached(const QString &key) const
{
    const auto it = m_cache.constFind(key);
    return it == m_cache.constEnd() ? nullptr : &it.value()->second;
}

void WhatIfRunner::remember(const QString &key, const WhatIfResult &result)
{
    if (m_capacity == 0)
        return;
    if (const auto it = m_cache.find(key); it != m_cache.end()) {
        m_order.erase(it.value());
        m_cache.erase(it);
    }
    m_order.emplace_back(key, result);
    m_cache.insert(key, std::prev(m_order.end()));
    setCacheCapacity(m_capacity);
}

std::uint64_t WhatIfRunner::start(std::shared_ptr<const WhatIfHistory> history,
                                  std::vector<WhatIfJobCandidate> candidates, bool keepTransitions)
{
    cancel();
    if (m_worker.joinable())
        m_worker.join(); // the engine checks its flag between chunks: this is quick

    auto job = std::make_shared<Job>();
    job->batch.id = m_nextId++;
    job->batch.historyKey = history->key;
    job->batch.results.resize(candidates.size());
    job->keepTransitions = keepTransitions;
    for (std::size_t i = 0; i < candidates.size(); ++i) {
        // A result with transitions serves a request without them too.
        const WhatIfResult *hit = cached(cacheKey(history->key, candidates[i].policyKey, true));
        if (!hit && !keepTransitions)
            hit = cached(cacheKey(history->key, candidates[i].policyKey, false));
        if (hit) {
            job->batch.results[i] = *hit;
            job->batch.results[i].label = candidates[i].label;
            ++job->batch.fromCache;
        } else {
            job->toRun.push_back(i);
        }
    }
    job->history = std::move(history);
    job->candidates = std::move(candidates);
    job->cancel = std::make_shared<std::atomic_bool>(false);
    m_cancel = job->cancel;
    m_running = job->batch.id;

    if (job->toRun.empty()) {
        QMetaObject::invokeMethod(
            this, [this, job] { deliver(job); }, Qt::QueuedConnection);
        return job->batch.id;
    }
    m_worker = std::jthread([this, job] {
        std::vector<WhatIfCandidate> run;
        run.reserve(job->toRun.size());
        for (std::size_t i : job->toRun)
            run.push_back({job->candidates[i].label, job->candidates[i].policy});
        WhatIfOptions options;
        options.outages = job->history->outages;
        options.keepTransitions = job->keepTransitions;
        options.cancel = job->cancel.get();
        // At most ~100 progress events, however many chunks the engine reports.
        auto lastPercent = std::make_shared<std::atomic_int>(-1);
        const std::uint64_t id = job->batch.id;
        options.progress = [this, id, lastPercent](double fraction) {
            const int percent = static_cast<int>(fraction * 100);
            if (lastPercent->exchange(percent) == percent)
                return;
            QMetaObject::invokeMethod(
                this, [this, id, fraction] { Q_EMIT progress(id, fraction); }, Qt::QueuedConnection);
        };
        WhatIfRun done = runWhatIf(job->history->stream, run, options);
        job->batch.cancelled = done.cancelled;
        job->batch.wallMs = done.wallMs;
        for (std::size_t k = 0; k < job->toRun.size() && k < done.results.size(); ++k)
            job->batch.results[job->toRun[k]] = std::move(done.results[k]);
        QMetaObject::invokeMethod(
            this, [this, job] { deliver(job); }, Qt::QueuedConnection);
    });
    return job->batch.id;
}

void WhatIfRunner::deliver(std::shared_ptr<Job> job)
{
    if (!job->batch.cancelled) {
        for (std::size_t i : job->toRun)
            remember(cacheKey(job->batch.historyKey, job->candidates[i].policyKey, job->keepTransitions),
                     job->batch.results[i]);
    }
    if (m_running == job->batch.id)
        m_running = 0;
    Q_EMIT finished(job->batch);
}

} // namespace bw
