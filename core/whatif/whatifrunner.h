#pragma once

#include "breaker/parameterspec.h"
#include "whatif/whatifengine.h"

#include <QHash>
#include <QObject>
#include <QString>

#include <atomic>
#include <cstdint>
#include <list>
#include <memory>
#include <thread>

namespace bw {

// The history a batch replays, shared read-only with the worker thread.
struct WhatIfHistory
{
    QString key; // identifies the data (source, range, size): results are cached under it
    EventStream stream;
    std::vector<Outage> outages;
};

// One policy to replay: `policyKey` identifies its preset and values (whatIfPolicyKey()).
struct WhatIfJobCandidate
{
    QString label;
    QString policyKey;
    BreakerPolicy policy;
};

struct WhatIfBatch
{
    std::uint64_t id = 0;
    std::vector<WhatIfResult> results; // in candidate order; complete unless cancelled
    bool cancelled = false;
    int fromCache = 0; // how many results needed no replay
    double wallMs = 0; // the replay loop of the candidates that were replayed
    QString historyKey;
};

// "preset|name=value|..." with the values in a canonical form: equal keys mean the same policy.
QString whatIfPolicyKey(const QString &preset, const ParameterValues &values);

// Runs what-if batches on a worker thread and hands the results back on the thread the runner lives in (the GUI
// thread) through queued signals; the caller's thread never replays. One batch at a time: start() cancels the one
// running. Results are cached per (history key, policy key, with transitions or not), so asking again is
// immediate. Owns its worker; the destructor cancels and joins it.
class WhatIfRunner final : public QObject
{
    Q_OBJECT
public:
    explicit WhatIfRunner(QObject *parent = nullptr);
    ~WhatIfRunner() override;

    // Starts a batch and returns its id. When every result is cached, finished() is still queued (never emitted
    // from inside start()). `keepTransitions` keeps each candidate's transitions (for timelines; not for sweeps).
    std::uint64_t start(std::shared_ptr<const WhatIfHistory> history, std::vector<WhatIfJobCandidate> candidates,
                        bool keepTransitions);
    // Asks the running batch to stop; its finished() comes with `cancelled` and the results done so far. The
    // engine checks between chunks of events, so it stops within milliseconds.
    void cancel();
    bool isRunning() const { return m_running != 0; }

    int cachedResults() const { return static_cast<int>(m_cache.size()); }
    void setCacheCapacity(int results);
    void clearCache();

Q_SIGNALS:
    void progress(quint64 id, double fraction);
    void finished(const bw::WhatIfBatch &batch);

private:
    struct Job;
    void deliver(std::shared_ptr<Job> job);
    const WhatIfResult *cached(const QString &key) const;
    void remember(const QString &key, const WhatIfResult &result);

    std::uint64_t m_nextId = 1;
    std::uint64_t m_running = 0;
    std::shared_ptr<std::atomic_bool> m_cancel;
    std::jthread m_worker;
    int m_capacity = 5000;
    // Least recently used first.
    std::list<std::pair<QString, WhatIfResult>> m_order;
    QHash<QString, std::list<std::pair<QString, WhatIfResult>>::iterator> m_cache;
};

} // namespace bw

Q_DECLARE_METATYPE(bw::WhatIfBatch)
