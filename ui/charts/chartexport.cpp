#include "charts/chartexport.h"

#include <QFileInfo>
#include <QLoggingCategory>
#include <QPainter>
#include <QSvgGenerator>
#include <QWidget>

using namespace Qt::StringLiterals;

namespace bw::chartexport {

namespace {

Q_LOGGING_CATEGORY(lcCharts, "breakerwatch.charts")

// Lays `content` out at `size` for the life of the object.
class ScopedSize
{
public:
    ScopedSize(QWidget *content, QSize size) : m_content(content), m_old(content->size())
    {
        if (size.isValid() && !size.isEmpty() && size != m_old)
            m_content->resize(size);
    }
    ~ScopedSize()
    {
        if (m_content->size() != m_old)
            m_content->resize(m_old);
    }
    ScopedSize(const ScopedSize &) = delete;
    ScopedSize &operator=(const ScopedSize &) = delete;

private:
    QWidget *m_content;
    QSize m_old;
};

QSize effectiveSize(const QWidget *content, QSize size)
{
    if (size.isValid() && !size.isEmpty())
        return size;
    return content->size().isEmpty() ? QSize(1000, 700) : content->size();
}

} // namespace

QImage renderToImage(QWidget *content, QSize size)
{
    size = effectiveSize(content, size);
    const ScopedSize scoped(content, size);
    QImage image(size, QImage::Format_ARGB32_Premultiplied);
    image.fill(content->palette().color(QPalette::Window));
    QPainter painter(&image);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setRenderHint(QPainter::TextAntialiasing);
    content->render(&painter, {}, {}, QWidget::DrawChildren);
    return image;
}

bool saveAs(QWidget *content, const QString &file, QSize size, const QString &title)
{
    size = effectiveSize(content, size);
    const QString suffix = QFileInfo(file).suffix().toLower();
    if (suffix == u"png"_s) {
        const QImage image = renderToImage(content, size);
        if (!image.save(file, "PNG")) {
            qCWarning(lcCharts) << "cannot write" << file;
            return false;
        }
        return true;
    }
    if (suffix != u"svg"_s) {
        qCWarning(lcCharts) << "cannot export" << file << "- the file name must end in .png or .svg";
        return false;
    }
    const ScopedSize scoped(content, size);
    QSvgGenerator svg;
    svg.setFileName(file);
    svg.setSize(size);
    svg.setViewBox(QRect(QPoint(0, 0), size));
    svg.setTitle(title);
    svg.setDescription(u"Breakerwatch chart"_s);
    QPainter painter;
    if (!painter.begin(&svg)) {
        qCWarning(lcCharts) << "cannot write" << file;
        return false;
    }
    painter.fillRect(QRect(QPoint(0, 0), size), content->palette().color(QPalette::Window));
    content->render(&painter, {}, {}, QWidget::DrawChildren);
    return painter.end();
}

} // namespace bw::chartexport
