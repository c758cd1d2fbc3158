#include "datadiroption.h"

#include "store/datadir.h"

#include <QCoreApplication>

using namespace Qt::StringLiterals;

namespace cli {

QString guiDataDir(const QString &given)
{
    // resolveDataDir() asks QStandardPaths, which names the folder after the application: borrow the GUI's name.
    const QString app = QCoreApplication::applicationName();
    const QString organisation = QCoreApplication::organizationName();
    QCoreApplication::setOrganizationName(u"Breakerwatch"_s);
    QCoreApplication::setApplicationName(u"Breakerwatch"_s);
    const QString dir = bw::resolveDataDir(given);
    QCoreApplication::setApplicationName(app);
    QCoreApplication::setOrganizationName(organisation);
    return dir;
}

} // namespace cli
