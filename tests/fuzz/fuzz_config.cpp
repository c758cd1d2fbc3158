// libFuzzer target for bw::ConfigLoader::loadText (the YAML configuration). Relative paths resolve against a
// scratch directory holding a secret, TLS files and a file_sd file; BW_FUZZ_TOKEN is set for credentials_env.
// Checks: no crash, no sanitizer report, no exception out of the loader; errors name the source; a configuration
// that loads has services with unique names, and loads again to the same value (also as a reload).

#include "config/configloader.h"
#include "fuzzsupport.h"

#include <QDir>
#include <QFile>
#include <QLoggingCategory>
#include <QTemporaryDir>

using namespace Qt::StringLiterals;

namespace {

const QString kSource = u"fuzz.yml"_s;

struct Fixture
{
    Fixture()
    {
        QLoggingCategory::setFilterRules(u"*=false"_s); // warnings are logged per load: noise at this rate
        qputenv("BW_FUZZ_TOKEN", "fuzz-token");
        const auto write = [this](const QString &name, const QByteArray &content) {
            QFile file(dir.filePath(name));
            fuzz::require(file.open(QIODevice::WriteOnly) && file.write(content) == content.size(), "fixture");
        };
        write(u"token"_s, "s3cr3t\n");
        write(u"ca.crt"_s, "not read by the loader\n");
        write(u"client.crt"_s, "not read by the loader\n");
        write(u"client.key"_s, "not read by the loader\n");
        write(u"targets.json"_s, R"([{"targets":["10.0.0.1:9100","10.0.0.2:9100"],"labels":{"rack":"r1"}}])");
        write(u"targets.yml"_s, "- targets: ['10.0.0.3:9100']\n  labels: {rack: r2}\n");
    }
    QTemporaryDir dir;
    bw::PresetCatalog catalog;
};

Fixture &fixture()
{
    static Fixture instance;
    return instance;
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    fuzz::require(fixture().dir.isValid(), "no scratch directory");
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    Fixture &f = fixture();
    const QByteArray text(reinterpret_cast<const char *>(data), static_cast<qsizetype>(size));
    const bw::ConfigLoader loader(f.catalog);
    const auto config = loader.loadText(text, kSource, f.dir.path());
    if (!config) {
        fuzz::require(config.error().startsWith(kSource), "an error that does not name the source");
        return 0;
    }
    fuzz::require(!config->services.empty(), "a configuration without services");
    QSet<QString> names;
    for (const bw::ServiceConfig &service : config->services) {
        // Several entries of one name are its instances; one instance of a service is there once.
        const QString key = service.name + u'@' + service.instanceName();
        fuzz::require(!names.contains(key), "an instance of a service listed twice");
        names.insert(key);
    }
    const auto again = loader.loadText(text, kSource, f.dir.path(), &*config);
    fuzz::require(again.ok() && *again == *config, "the same text loads differently");
    return 0;
}
