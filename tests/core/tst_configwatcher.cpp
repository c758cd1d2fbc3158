// Hot reload on real files: a good save applies, a broken save keeps the previous configuration and says why,
// editors that rename over the file are followed, and file_sd target files are watched too.
#include "config/configwatcher.h"

#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

class TestConfigWatcher final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void goodSaveApplies();
    void brokenSaveKeepsThePreviousConfiguration();
    void renameOverTheFileIsFollowed();
    void fileSdChangesReload();
    void touchWithoutChangeStaysQuiet();
    void otherFilesInTheDirectoryAreNotRead();

private:
    static QByteArray services(int count);
    void write(const QString &name, const QByteArray &text);
    std::unique_ptr<bw::ConfigWatcher> watch(const QByteArray &text);

    bw::PresetCatalog m_catalog;
    bw::ConfigLoader m_loader{m_catalog};
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_path;
};

void TestConfigWatcher::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_path = m_dir->filePath(u"breakerwatch.yml"_s);
}

QByteArray TestConfigWatcher::services(int count)
{
    QByteArray text = "services:\n";
    for (int i = 0; i < count; ++i)
        text += "  - name: s" + QByteArray::number(i) + "\n    health: {url: 'http://127.0.0.1:1/health'}\n";
    return text;
}

void TestConfigWatcher::write(const QString &name, const QByteArray &text)
{
    QFile file(m_dir->filePath(name));
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QCOMPARE(file.write(text), text.size());
}

std::unique_ptr<bw::ConfigWatcher> TestConfigWatcher::watch(const QByteArray &text)
{
    write(u"breakerwatch.yml"_s, text);
    auto initial = m_loader.loadFile(m_path);
    if (!initial)
        qFatal("%s", qPrintable(initial.error()));
    auto watcher = std::make_unique<bw::ConfigWatcher>(m_loader, *initial);
    watcher->setSettleDelay(std::chrono::milliseconds(20));
    return watcher;
}

void TestConfigWatcher::goodSaveApplies()
{
    auto watcher = watch(services(1));
    QSignalSpy reloaded(watcher.get(), &bw::ConfigWatcher::reloaded);
    write(u"breakerwatch.yml"_s, services(3));
    QTRY_COMPARE(reloaded.size(), 1);
    QCOMPARE(reloaded.at(0).at(0).value<bw::Config>().services.size(), std::size_t{3});
    QCOMPARE(watcher->current().services.size(), std::size_t{3});
    QVERIFY(watcher->problem().isEmpty());
}

void TestConfigWatcher::brokenSaveKeepsThePreviousConfiguration()
{
    auto watcher = watch(services(2));
    QSignalSpy reloaded(watcher.get(), &bw::ConfigWatcher::reloaded);
    QSignalSpy failed(watcher.get(), &bw::ConfigWatcher::reloadFailed);

    write(u"breakerwatch.yml"_s, services(2) + "    breaker: {preset: nosuchlib}\n");
    QTRY_COMPARE(failed.size(), 1);
    const QString problem = failed.at(0).at(0).toString();
    QVERIFY2(problem.startsWith(m_path + u":6:14: "_s), qPrintable(problem));
    QVERIFY2(problem.contains(u"nosuchlib"_s), qPrintable(problem));
    QCOMPARE(watcher->problem(), problem);
    QCOMPARE(watcher->current().services.size(), std::size_t{2}); // still in force
    QCOMPARE(reloaded.size(), 0);

    // Fixed by restoring the previous text: the problem goes away even though nothing else changed.
    write(u"breakerwatch.yml"_s, services(2));
    QTRY_COMPARE(reloaded.size(), 1);
    QVERIFY(watcher->problem().isEmpty());
    QCOMPARE(failed.size(), 1);
}

void TestConfigWatcher::renameOverTheFileIsFollowed()
{
    auto watcher = watch(services(1));
    QSignalSpy reloaded(watcher.get(), &bw::ConfigWatcher::reloaded);
    for (int round = 2; round <= 3; ++round) { // twice: the watch must survive the first replacement
        write(u"breakerwatch.yml.tmp"_s, services(round));
        QVERIFY(QFile::remove(m_path));
        QVERIFY(QFile::rename(m_dir->filePath(u"breakerwatch.yml.tmp"_s), m_path));
        QTRY_COMPARE(watcher->current().services.size(), std::size_t(round));
    }
    QCOMPARE(reloaded.size(), 2);
}

void TestConfigWatcher::fileSdChangesReload()
{
    write(u"targets.json"_s, R"([{"targets":["127.0.0.1:9100"]}])");
    auto watcher = watch("scrape_configs:\n  - job_name: node\n    file_sd_configs: [{files: ['targets*.json']}]\n");
    QCOMPARE(watcher->current().services.size(), std::size_t{1});

    write(u"targets.json"_s, R"([{"targets":["127.0.0.1:9100","127.0.0.1:9101"]}])");
    QTRY_COMPARE(watcher->current().services.size(), std::size_t{2});

    write(u"targets-extra.json"_s, R"([{"targets":["127.0.0.1:9102"]}])"); // a new file matching the pattern
    QTRY_COMPARE(watcher->current().services.size(), std::size_t{3});

    write(u"targets.json"_s, R"([{"targets":["127.0.0.1:9100")"); // broken: its targets stay, with a warning
    QTRY_VERIFY(!watcher->current().warnings.isEmpty());
    QCOMPARE(watcher->current().services.size(), std::size_t{3});
    QVERIFY(watcher->current().warnings.front().contains(u"keeping the previous targets"_s));
}

void TestConfigWatcher::touchWithoutChangeStaysQuiet()
{
    auto watcher = watch(services(1));
    QSignalSpy reloaded(watcher.get(), &bw::ConfigWatcher::reloaded);
    QSignalSpy failed(watcher.get(), &bw::ConfigWatcher::reloadFailed);
    write(u"breakerwatch.yml"_s, services(1));
    write(u"unrelated.txt"_s, "x");
    watcher->reloadNow();
    QTest::qWait(200);
    QCOMPARE(reloaded.size(), 0);
    QCOMPARE(failed.size(), 0);
}

void TestConfigWatcher::otherFilesInTheDirectoryAreNotRead()
{
    // A log or a profiler's output written next to the configuration: the 120-service file was parsed again on
    // every write (2.7 % of the GUI's CPU while perf wrote into that directory).
    auto watcher = watch(services(1));
    QSignalSpy reloaded(watcher.get(), &bw::ConfigWatcher::reloaded);
    for (int i = 0; i < 5; ++i) {
        write(u"gui.log"_s, QByteArray(100 * (i + 1), 'x'));
        QTest::qWait(60);
    }
    QCOMPARE(watcher->reads(), 0);
    // Ours is still followed, also when renamed over.
    write(u"breakerwatch.yml"_s, services(2));
    QTRY_COMPARE(reloaded.size(), 1);
    QVERIFY(watcher->reads() >= 1);
    write(u"next.yml"_s, services(3));
    QVERIFY(QFile::remove(m_path));
    QVERIFY(QFile::rename(m_dir->filePath(u"next.yml"_s), m_path));
    QTRY_COMPARE(reloaded.size(), 2);
    QCOMPARE(watcher->current().services.size(), std::size_t{3});
}

QTEST_GUILESS_MAIN(TestConfigWatcher)
#include "tst_configwatcher.moc"
