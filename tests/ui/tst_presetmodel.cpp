#include "models/presetmodel.h"

#include <QAbstractItemModelTester>
#include <QTest>

using namespace Qt::StringLiterals;

class TestPresetModel final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void isAWellBehavedModel();
    void rowsAreParameters();
};

void TestPresetModel::isAWellBehavedModel()
{
    bw::PresetModel model(bw::PresetCatalog{});
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(model.rowCount() > 50);
}

void TestPresetModel::rowsAreParameters()
{
    const bw::PresetCatalog catalog;
    bw::PresetModel model(catalog);
    std::size_t parameters = 0;
    for (const bw::Preset &preset : catalog.presets())
        parameters += preset.parameters.size();
    QCOMPARE(static_cast<std::size_t>(model.rowCount()), parameters);
    QCOMPARE(model.index(0, bw::PresetModel::PresetColumn).data().toString(), u"opossum"_s);
    QCOMPARE(model.index(0, bw::PresetModel::ParameterColumn).data().toString(), u"errorThresholdPercentage"_s);
    QCOMPARE(model.index(0, bw::PresetModel::DefaultColumn).data().toString(), u"50"_s);
    QCOMPARE(model.index(0, bw::PresetModel::UnitColumn).data().toString(), u"%"_s);
    QVERIFY(model.index(0, bw::PresetModel::HelpColumn).data(Qt::ToolTipRole).toString().contains(u"opossum 9"_s));
    QCOMPARE(model.headerData(bw::PresetModel::DefaultColumn, Qt::Horizontal).toString(), u"Default"_s);
}

QTEST_MAIN(TestPresetModel)
#include "tst_presetmodel.moc"
