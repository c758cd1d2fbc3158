#include "clioutput.h"

#include <QCommandLineParser>

#include <cstdio>

namespace cli {

void out(const QByteArray &line)
{
    std::fwrite(line.constData(), 1, static_cast<std::size_t>(line.size()), stdout);
    std::fputc('\n', stdout);
}

void err(const QString &message)
{
    std::fflush(stdout);
    const QByteArray text = "breakerwatch-cli: " + message.toUtf8() + '\n';
    std::fwrite(text.constData(), 1, static_cast<std::size_t>(text.size()), stderr);
}

void flush()
{
    std::fflush(stdout);
}

std::optional<int> parseOrExit(QCommandLineParser &parser, const QStringList &arguments)
{
    if (!parser.parse(arguments)) {
        err(parser.errorText());
        return Usage;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        out(parser.helpText().toUtf8());
        return Ok;
    }
    return std::nullopt;
}

} // namespace cli
