#pragma once

#include "breaker/presetcatalog.h"
#include "common/result.h"
#include "config/config.h"

#include <QByteArray>
#include <QString>

namespace bw {

// Reads the YAML configuration (see README). Every error names file, line and column. Secrets are read from
// files or environment variables at load time and never kept in messages. Pure apart from reading the files
// the configuration names; call it from any thread.
class ConfigLoader
{
public:
    explicit ConfigLoader(const PresetCatalog &catalog) : m_catalog(catalog) {}

    // `previous`: see loadText().
    Result<Config> loadFile(const QString &path, const Config *previous = nullptr) const;
    // `text` as if read from `sourceName`; relative paths (secrets, file_sd) resolve against `baseDir`.
    // `previous`: on reload, a broken file_sd file keeps the targets it gave last time (with a warning).
    Result<Config> loadText(const QByteArray &text, const QString &sourceName, const QString &baseDir,
                            const Config *previous = nullptr) const;

private:
    const PresetCatalog &m_catalog;
};

// Parses "10MB", "512KiB", "1GB" or a number of bytes (Prometheus units, powers of 1024).
Result<std::int64_t> parseByteSize(QStringView text);

} // namespace bw
