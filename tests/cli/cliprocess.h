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
