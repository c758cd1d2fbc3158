// libFuzzer target for file_sd target files (JSON or YAML: [{"targets":[...],"labels":{...}}]) as ConfigLoader reads
// them: the input is written to the file a scrape config names, and the configuration reloaded on top of one that
// read a good version of the file.
// Checks: no crash, no sanitizer report, no exception out of the loader; a broken file keeps the previous targets
// (with a warning) and never fails the load; every target read from the file is tagged with it.

#include "config/configloader.h"
#include "fuzzsupport.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QTemporaryDir>

using namespace Qt::StringLiterals;

namespace {

const QByteArray kConfig = "scrape_configs:\n"
                           "  - job_name: node\n"
                           "    static_configs: [{targets: ['127.0.0.1:9100']}]\n"
                           "    file_sd_configs: [{files: ['sd/*.json']}]\n";
const QByteArray kGoodTargets = R"([{"targets":["10.0.0.1:9100","10.0.0.2:9100"],"labels":{"rack":"r1"}}])";

struct Fixture
{
    Fixture() : dir(QFileInfo::exists(u"/dev/shm"_s) ? u"/dev/shm/bw-fuzz-filesd-XXXXXX"_s : QString())
    {
        QLoggingCategory::setFilterRules(u"*=false"_s);
        fuzz::require(dir.isValid() && QDir(dir.path()).mkdir(u"sd"_s), "no scratch directory");
        sdFile = dir.filePath(u"sd/targets.json"_s);
        write(kGoodTargets);
        auto good = bw::ConfigLoader(catalog).loadText(kConfig, u"fuzz.yml"_s, dir.path());
        fuzz::require(good.ok() && good->services.size() == 3, "the good file does not load");
        previous = *good;
    }
    void write(QByteArrayView content) const
    {
        QFile file(sdFile);
        fuzz::require(file.open(QIODevice::WriteOnly | QIODevice::Truncate) &&
                          file.write(content.data(), content.size()) == content.size(),
                      "cannot write the file_sd file");
    }
    QTemporaryDir dir;
    QString sdFile;
    bw::PresetCatalog catalog;
    bw::Config previous;
};

Fixture &fixture()
{
    static Fixture instance;
    return instance;
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    fixture();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    Fixture &f = fixture();
    f.write(fuzz::bytes(data, size));
    const auto config = bw::ConfigLoader(f.catalog).loadText(kConfig, u"fuzz.yml"_s, f.dir.path(), &f.previous);
    if (!config) {
        // Only a target that is not host:port fails the load; a file that cannot be read never does.
        fuzz::require(config.error().contains(u"is not host:port"_s), "a broken file_sd file failed the load");
        return 0;
    }
    const bool kept = !config->warnings.filter(u"keeping the previous targets"_s).isEmpty();
    qsizetype fromFile = 0;
    for (const bw::ServiceConfig &service : config->services) {
        if (service.labels.contains(u"__file_sd"_s)) {
            fuzz::require(service.labels.value(u"__file_sd"_s) == f.sdFile, "a target tagged with another file");
            ++fromFile;
        }
    }
    if (kept)
        fuzz::require(fromFile == 2, "a broken file did not keep the previous targets");
    return 0;
}
