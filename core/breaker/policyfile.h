#pragma once

#include "breaker/breakerpolicy.h"
#include "breaker/presetcatalog.h"
#include "common/result.h"

#include <QList>
#include <QPair>
#include <QString>

namespace bw {

// A policy as a user writes it: a preset and its parameters by the library's names.
//   preset: resilience4j
//   parameters:
//     failureRateThreshold: 30
//     waitDurationInOpenState: 10s
struct PolicyDocument
{
    QString preset;
    QList<QPair<QString, QString>> parameters; // in file order, values as written
};

// Reads a policy file (YAML; JSON is YAML too). Errors name the file, line and column.
Result<PolicyDocument> readPolicyFile(const QString &path);
Result<PolicyDocument> parsePolicyText(const QByteArray &text, const QString &sourceName);
// The Breakerwatch YAML form of a document; readPolicyFile() reads it back to the same policy.
QByteArray writePolicyYaml(const PolicyDocument &document);

} // namespace bw
