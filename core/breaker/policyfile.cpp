#include "breaker/policyfile.h"

#include <QFile>

#include <yaml-cpp/yaml.h>

using namespace Qt::StringLiterals;

namespace bw {

namespace {

QString where(const QString &source, const YAML::Mark &mark)
{
    return u"%1:%2:%3"_s.arg(source).arg(mark.line + 1).arg(mark.column + 1);
}

} // namespace

Result<PolicyDocument> parsePolicyText(const QByteArray &text, const QString &sourceName)
{
    YAML::Node root;
    try {
        root = YAML::Load(text.toStdString());
    } catch (const YAML::Exception &e) {
        return Error{u"%1: %2"_s.arg(where(sourceName, e.mark), QString::fromStdString(e.msg))};
    }
    if (!root.IsMap())
        return Error{
            u"%1: expected a mapping with \"preset\" and \"parameters\""_s.arg(where(sourceName, root.Mark()))};
    PolicyDocument document;
    for (const auto &entry : root) {
        const QString key = QString::fromStdString(entry.first.as<std::string>(""));
        if (key == u"preset") {
            if (!entry.second.IsScalar())
                return Error{u"%1: \"preset\" must be a name"_s.arg(where(sourceName, entry.second.Mark()))};
            document.preset = QString::fromStdString(entry.second.Scalar());
        } else if (key == u"parameters") {
            if (entry.second.IsNull())
                continue;
            if (!entry.second.IsMap())
                return Error{u"%1: \"parameters\" must be a mapping of name: value"_s.arg(
                    where(sourceName, entry.second.Mark()))};
            for (const auto &parameter : entry.second) {
                if (!parameter.second.IsScalar() && !parameter.second.IsNull())
                    return Error{u"%1: parameter \"%2\" must be a single value"_s.arg(
                        where(sourceName, parameter.second.Mark()),
                        QString::fromStdString(parameter.first.as<std::string>("")))};
                const QString value =
                    parameter.second.IsNull() ? u"null"_s : QString::fromStdString(parameter.second.Scalar());
                document.parameters.append({QString::fromStdString(parameter.first.as<std::string>("")), value});
            }
        } else if (key != u"name" && key != u"description") {
            return Error{u"%1: unknown key \"%2\" (expected preset, parameters, name, description)"_s.arg(
                where(sourceName, entry.first.Mark()), key)};
        }
    }
    if (document.preset.isEmpty())
        return Error{u"%1: missing \"preset\""_s.arg(sourceName)};
    return document;
}

Result<PolicyDocument> readPolicyFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error{u"%1: cannot open: %2"_s.arg(path, file.errorString())};
    return parsePolicyText(file.readAll(), path);
}

QByteArray writePolicyYaml(const PolicyDocument &document)
{
    YAML::Emitter out;
    out << YAML::BeginMap << YAML::Key << "preset" << YAML::Value << document.preset.toStdString();
    out << YAML::Key << "parameters" << YAML::Value << YAML::BeginMap;
    for (const auto &[name, value] : document.parameters)
        out << YAML::Key << name.toStdString() << YAML::Value << value.toStdString();
    out << YAML::EndMap << YAML::EndMap;
    return QByteArray(out.c_str()) + '\n';
}

} // namespace bw
