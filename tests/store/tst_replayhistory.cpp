// The history a what-if replays: outages from runs of failed polls, a service's range out of a real SQLite store
// (calls by the export's rule, transitions split by track, errors that name what is wrong), a JSONL file, and a
// what-if over the result that fills the detection and recovery delays.
#include "breaker/presetcatalog.h"
#include "events/jsonlreader.h"
#include "store/historystore.h"
#include "store/storeexport.h"
#include "whatif/replayhistory.h"
#include "whatif/whatifengine.h"

#include <QBuffer>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using bw::BreakerState;
using bw::Observation;
using bw::Outage;
using bw::PollOutcome;

namespace {

constexpr qint64 kT0 = 1'799'996'400'000;
constexpr qint64 kHour = 3'600'000;

// "o" ok, "F" failed, "?" unknown; poll i at t = i * 1000.
std::vector<Observation> polls(QStringView pattern, std::int64_t t0 = 0)
{
    std::vector<Observation> out;
    for (qsizetype i = 0; i < pattern.size(); ++i) {
        Observation o;
        o.t = t0 + i * 1'000;
        o.outcome = pattern[i] == u'o'   ? PollOutcome::Ok
                    : pattern[i] == u'F' ? PollOutcome::Failed
                                         : PollOutcome::Unknown;
        o.latencyMs = pattern[i] == u'?' ? Observation::kNone : 10.0F + float(i);
        o.errorRate = pattern[i] == u'F' ? 100.0F : 0.0F;
        out.push_back(o);
    }
    return out;
}

QString outagesText(const std::vector<Outage> &outages)
{
    QStringList parts;
    for (const Outage &o : outages)
        parts << u"%1-%2"_s.arg(o.start).arg(o.end);
    return parts.join(u' ');
}

// Checkout: 10 min of polls at 1 s; failures from 120 s to 179 s (one 60 s outage), a short blip of 2 failures at
// 300 s (not an outage), every 10th poll (i % 10 == 5) a scrape without outcome; the last 5 polls are down (595 has
// no outcome, so 596-599 fail: an outage to the end of the data).
std::vector<Observation> checkoutPolls()
{
    std::vector<Observation> out;
    for (int i = 0; i < 600; ++i) {
        Observation o;
        o.t = kT0 + i * 1'000;
        const bool down = (i >= 120 && i < 180) || i == 300 || i == 301 || i >= 595;
        o.outcome = i % 10 == 5 ? PollOutcome::Unknown : down ? PollOutcome::Failed : PollOutcome::Ok;
        o.latencyMs = o.outcome == PollOutcome::Unknown ? Observation::kNone : 20.0F + float(i % 7);
        o.errorRate = down ? 100.0F : 0.0F;
        out.push_back(o);
    }
    return out;
}

} // namespace

class TestReplayHistory final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void outagesFromPolls_data();
    void outagesFromPolls();
    void storeHistory();
    void storeHistoryIsWhatTheExportReplays();
    void storeSubRange();
    void storeErrors_data();
    void storeErrors();
    void onlyUnknownOutcomes();
    void whatIfGetsTheDelays();
    void jsonlHistory();
    void jsonlErrorsNameTheLine();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<bw::HistoryStore> m_store;
};

void TestReplayHistory::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    bw::StoreOptions options;
    options.dataDir = m_dir->path();
    m_store = std::make_unique<bw::HistoryStore>(options);
    QVERIFY(m_store->open(kT0).ok());
    for (const Observation &o : checkoutPolls())
        m_store->appendObservation(u"checkout"_s, o);
    for (const Observation &o : polls(u"oooo", kT0))
        m_store->appendObservation(u"payments"_s, o);
    QVERIFY(m_store->flush(kT0 + kHour).ok());

    bw::Transition opened{kT0 + 126'000, BreakerState::Closed, BreakerState::Open, {}};
    opened.reason.kind = bw::TransitionReason::Kind::ConsecutiveFailures;
    opened.reason.count = 6;
    QVERIFY(m_store->appendTransition(u"checkout"_s, bw::TrackKind::Simulated, opened).ok());
    const bw::Transition observed{kT0 + 130'000, BreakerState::Closed, BreakerState::Open, {}};
    QVERIFY(m_store->appendTransition(u"checkout"_s, bw::TrackKind::Observed, observed).ok());
    const bw::Transition other{kT0 + 140'000, BreakerState::Closed, BreakerState::Open, {}};
    QVERIFY(m_store->appendTransition(u"payments"_s, bw::TrackKind::Simulated, other).ok());
}

void TestReplayHistory::cleanup()
{
    m_store.reset();
    m_dir.reset();
}

void TestReplayHistory::outagesFromPolls_data()
{
    QTest::addColumn<QString>("pattern");
    QTest::addColumn<int>("minFailed");
    QTest::addColumn<QString>("expected");
    QTest::newRow("none") << u""_s << 3 << u""_s;
    QTest::newRow("all ok") << u"oooo"_s << 3 << u""_s;
    QTest::newRow("one run") << u"ooFFFoo"_s << 3 << u"2000-5000"_s;
    QTest::newRow("too short") << u"ooFFoo"_s << 3 << u""_s;
    QTest::newRow("unknown neither starts nor ends") << u"?FF?F?oo"_s << 3 << u"1000-6000"_s;
    QTest::newRow("unknown does not break a run") << u"oFF??Foo"_s << 3 << u"1000-6000"_s;
    QTest::newRow("to the end of the data") << u"ooFFFF"_s << 3 << u"2000-5000"_s;
    QTest::newRow("end of data is the last poll") << u"ooFFF??"_s << 3 << u"2000-6000"_s;
    QTest::newRow("two runs") << u"FFFoFoFFFFo"_s << 3 << u"0-3000 6000-10000"_s;
    QTest::newRow("min 1") << u"oFoFFo"_s << 1 << u"1000-2000 3000-5000"_s;
    QTest::newRow("only failures") << u"FFF"_s << 3 << u"0-2000"_s;
}

void TestReplayHistory::outagesFromPolls()
{
    QFETCH(QString, pattern);
    QFETCH(int, minFailed);
    QFETCH(QString, expected);
    QCOMPARE(outagesText(bw::outagesFromPolls(polls(pattern), minFailed)), expected);

    // The call rule agrees wherever there are no unknown outcomes.
    if (!pattern.contains(u'?')) {
        bw::EventStream stream;
        for (const Observation &o : polls(pattern))
            stream.events.push_back({o.t, 0, o.outcome == PollOutcome::Ok});
        QCOMPARE(outagesText(bw::outagesFromCalls(stream, minFailed)), expected);
    }
}

void TestReplayHistory::storeHistory()
{
    const std::int64_t from = kT0 - 60'000;
    const std::int64_t to = kT0 + kHour;
    auto history = bw::historyFromStore(*m_store, u"checkout"_s, from, to);
    QVERIFY2(history.ok(), qPrintable(history.ok() ? QString() : history.error()));
    QCOMPARE(history->originMs, from);
    QCOMPARE(history->endMs, to - from);
    QVERIFY(history->label.startsWith(u"checkout, "_s));
    QVERIFY(history->label.endsWith(u" (store)"_s));
    QCOMPARE(history->sourceKey,
             u"store:%1:checkout:%2:%3:600:%4"_s.arg(m_store->filePath()).arg(from).arg(to).arg(kT0 + 599'000));

    QCOMPARE(history->stream.size(), 540); // 600 polls, every 10th without outcome
    QCOMPARE(history->stream.firstT(), 60'000);
    QCOMPARE(history->stream.lastT(), 60'000 + 599'000);
    std::int64_t failures = 0;
    for (const bw::CallOutcome &call : history->stream.events)
        failures += !call.ok;
    QCOMPARE(failures, 54 + 2 + 4); // 60 down polls less 6 unknown, the blip, the tail
    QCOMPARE(history->notes, QStringList{u"60 polls with unknown outcome left out"_s});

    // The 60 s outage (first failed poll to the first ok one) and the tail to the last poll; the blip is not one.
    QCOMPARE(outagesText(history->outages),
             u"%1-%2 %3-%4"_s.arg(60'000 + 120'000).arg(60'000 + 180'000).arg(60'000 + 596'000).arg(60'000 + 599'000));

    QCOMPARE(history->liveSimulated.size(), 1u);
    QCOMPARE(history->liveSimulated.front().t, 60'000 + 126'000);
    QCOMPARE(history->liveSimulated.front().to, BreakerState::Open);
    QCOMPARE(history->liveSimulated.front().reason.kind, bw::TransitionReason::Kind::ConsecutiveFailures);
    QCOMPARE(history->observedBreaker.size(), 1u);
    QCOMPARE(history->observedBreaker.front().t, 60'000 + 130'000);
}

void TestReplayHistory::storeHistoryIsWhatTheExportReplays()
{
    const std::int64_t from = kT0;
    const std::int64_t to = kT0 + kHour;
    auto history = bw::historyFromStore(*m_store, u"checkout"_s, from, to);
    QVERIFY(history.ok());
    QBuffer buffer;
    QVERIFY(buffer.open(QIODevice::ReadWrite));
    QVERIFY(bw::exportServiceJsonl(*m_store, {bw::BreakerId::parse(u"checkout"_s)}, from, to, buffer, from).ok());
    auto exported = bw::JsonlReader::parse(buffer.data());
    QVERIFY(exported.ok());
    QCOMPARE(history->stream.size(), exported->size());
    for (std::size_t i = 0; i < exported->events.size(); ++i) {
        const bw::CallOutcome &a = history->stream.events[i];
        const bw::CallOutcome &b = exported->events[i];
        QCOMPARE(a.t, b.t);
        QCOMPARE(a.ok, b.ok);
        QCOMPARE(a.latencyMs, b.latencyMs);
    }
}

void TestReplayHistory::storeSubRange()
{
    // Only [100 s, 200 s): the outage is whole, the tail is not there; the observed open at 130 s is.
    auto history = bw::historyFromStore(*m_store, u"checkout"_s, kT0 + 100'000, kT0 + 200'000);
    QVERIFY(history.ok());
    QCOMPARE(history->stream.size(), 90);
    QCOMPARE(history->stream.firstT(), 0);
    QCOMPARE(outagesText(history->outages), u"20000-80000"_s);
    QCOMPARE(history->observedBreaker.size(), 1u);
    QCOMPARE(history->observedBreaker.front().t, 30'000);

    // Cut in the middle of the outage: it runs to the end of the data.
    auto cut = bw::historyFromStore(*m_store, u"checkout"_s, kT0 + 100'000, kT0 + 150'000);
    QVERIFY(cut.ok());
    QCOMPARE(outagesText(cut->outages), u"20000-49000"_s);
}

void TestReplayHistory::storeErrors_data()
{
    QTest::addColumn<QString>("service");
    QTest::addColumn<qint64>("from");
    QTest::addColumn<qint64>("to");
    QTest::addColumn<QStringList>("mentions");
    QTest::newRow("unknown service") << u"shop"_s << kT0 << kT0 + kHour
                                     << QStringList{u"unknown service \"shop\""_s, u"checkout, payments"_s};
    QTest::newRow("no polls in range") << u"checkout"_s << kT0 + 2 * kHour << kT0 + 3 * kHour
                                       << QStringList{u"no polls of checkout between"_s, u"2027-01-15T"_s};
    QTest::newRow("reversed") << u"checkout"_s << kT0 + kHour << kT0 << QStringList{u"empty range"_s};
    QTest::newRow("empty") << u"checkout"_s << kT0 << kT0 << QStringList{u"empty range"_s};
}

void TestReplayHistory::storeErrors()
{
    QFETCH(QString, service);
    QFETCH(qint64, from);
    QFETCH(qint64, to);
    QFETCH(QStringList, mentions);
    auto history = bw::historyFromStore(*m_store, service, from, to);
    QVERIFY(!history.ok());
    for (const QString &mention : mentions)
        QVERIFY2(history.error().contains(mention), qPrintable(history.error()));
}

void TestReplayHistory::onlyUnknownOutcomes()
{
    for (const Observation &o : polls(u"????", kT0))
        m_store->appendObservation(u"metrics-only"_s, o);
    auto history = bw::historyFromStore(*m_store, u"metrics-only"_s, kT0, kT0 + kHour);
    QVERIFY(!history.ok());
    QVERIFY2(history.error().contains(u"none with a call outcome"_s), qPrintable(history.error()));
}

void TestReplayHistory::whatIfGetsTheDelays()
{
    auto history = bw::historyFromStore(*m_store, u"checkout"_s, kT0, kT0 + kHour);
    QVERIFY(history.ok());
    const bw::PresetCatalog catalog;
    auto policy = catalog.buildText(u"gobreaker"_s, {});
    QVERIFY(policy.ok());
    bw::WhatIfOptions options;
    options.outages = history->outages;
    const bw::WhatIfRun run = bw::runWhatIf(history->stream, {{u"gobreaker"_s, *policy}}, options);
    const bw::WhatIfMetrics &m = run.results.front().metrics;
    QCOMPARE(m.outages, 2);
    QCOMPARE(m.outagesDetected, 1);
    QVERIFY(m.meanDetectionDelayMs.has_value());
    // gobreaker opens at more than 5 consecutive failures: polls 120-124 fail, 125 has no outcome (not a call),
    // 126 is the 6th failure, 6 s after the outage began. The tail's 4 failures do not open it.
    QCOMPARE(*m.maxDetectionDelayMs, 6'000);
}

void TestReplayHistory::jsonlHistory()
{
    const QString path = m_dir->filePath(u"outage.jsonl"_s);
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    QByteArray text;
    const QString pattern = u"oooFFFFooFFooFFFo"_s;
    for (qsizetype i = 0; i < pattern.size(); ++i)
        text += "{\"t\":" + QByteArray::number(5'000 + i * 100) + ",\"ok\":" + (pattern[i] == u'o' ? "true" : "false") +
                ",\"latency_ms\":3}\n";
    file.write(text);
    file.close();

    auto history = bw::historyFromJsonl(path);
    QVERIFY(history.ok());
    QCOMPARE(history->label, u"outage.jsonl"_s);
    QVERIFY(history->sourceKey.startsWith(u"jsonl:"_s + QFileInfo(path).absoluteFilePath() + u':'));
    QVERIFY(history->sourceKey.contains(u":%1:"_s.arg(text.size())));
    QCOMPARE(history->originMs, 0);
    QCOMPARE(history->endMs, 5'000 + 16 * 100);
    QCOMPARE(history->stream.size(), pattern.size());
    QCOMPARE(outagesText(history->outages), u"5300-5700 6300-6600"_s);
    QVERIFY(history->observedBreaker.empty());
    QVERIFY(history->liveSimulated.empty());
}

void TestReplayHistory::jsonlErrorsNameTheLine()
{
    const QString path = m_dir->filePath(u"bad.jsonl"_s);
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("{\"t\":1,\"ok\":true}\n{\"t\":2,\"ok\":maybe}\n");
    file.close();
    auto history = bw::historyFromJsonl(path);
    QVERIFY(!history.ok());
    QVERIFY2(history.error().contains(u"line 2"_s), qPrintable(history.error()));

    auto missing = bw::historyFromJsonl(m_dir->filePath(u"missing.jsonl"_s));
    QVERIFY(!missing.ok());
    QVERIFY2(missing.error().contains(u"missing.jsonl"_s), qPrintable(missing.error()));
}

QTEST_GUILESS_MAIN(TestReplayHistory)
#include "tst_replayhistory.moc"
