#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <optional>

class QCommandLineParser;

// Buffered standard output and error for the console tool; exit codes in one place.
namespace cli {

enum ExitCode : int
{
    Ok = 0,
    BadInput = 1,
    Usage = 2
};

void out(const QByteArray &line); // appends '\n'
void err(const QString &message); // "breakerwatch-cli: message\n" on stderr
void flush();

// Parses a command's arguments. Returns the exit code to stop with (usage error, or --help printed), or nothing
// when the command should go on.
std::optional<int> parseOrExit(QCommandLineParser &parser, const QStringList &arguments);

} // namespace cli
