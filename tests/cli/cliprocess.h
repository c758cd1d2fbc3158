#pragma once

#include <QByteArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QProcess>
#include <QStringList>
#include <QTest>

// Runs breakerwatch-cli and collects what it printed.
struct CliRun
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;

    QList<QByteArray> lines() const
    {
        return out.trimmed().isEmpty() ? QList<QByteArray>{} : out.trimmed().split('\n');
    }
    QList<QJsonObject> objects() const
    {
        QList<QJsonObject> result;
        for (const QByteArray &line : lines())
            result << QJsonDocument::fromJson(line).object();
        return result;
    }
};

inline CliRun runCli(const QStringList &arguments, const QByteArray &input = {})
{
    QProcess process;
    process.start(QStringLiteral(BW_CLI_PATH), arguments);
    if (!process.waitForStarted(10'000))
        return {};
    if (!input.isEmpty())
        process.write(input);
    process.closeWriteChannel();
    process.waitForFinished(120'000);
    CliRun run;
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    run.out = process.readAllStandardOutput();
    run.err = process.readAllStandardError();
    return run;
}

// A replay's output as "t from>to" lines and the summary's counts, the fields the real libraries' transcripts
// also have: what the conformance tests compare.
inline QStringList comparableTranscript(const QList<QJsonObject> &objects)
{
    using namespace Qt::StringLiterals;
    QStringList out;
    for (const QJsonObject &object : objects) {
        if (object.contains(u"summary"_s)) {
            const QJsonObject s = object.value(u"summary"_s).toObject();
            out << u"summary transitions=%1 opens=%2 rejected=%3 events=%4 final=%5"_s
                       .arg(s.value(u"transitions"_s).toInteger())
                       .arg(s.value(u"opens"_s).toInteger())
                       .arg(s.value(u"rejected"_s).toInteger())
                       .arg(s.value(u"events"_s).toInteger())
                       .arg(s.value(u"final_state"_s).toString());
        } else {
            out << u"%1 %2>%3"_s.arg(object.value(u"t"_s).toInteger())
                       .arg(object.value(u"from"_s).toString(), object.value(u"to"_s).toString());
        }
    }
    return out;
}
