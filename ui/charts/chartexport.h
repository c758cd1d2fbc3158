#pragma once

#include <QImage>
#include <QSize>
#include <QString>

class QWidget;

namespace bw {

// Export of a chart widget's drawing. `content` is laid out at `size` for the drawing and put back to its own size
// afterwards; a hidden widget is laid out and drawn as if shown. GUI thread only.
namespace chartexport {

// An opaque image of `size` (the widget's current size when `size` is empty).
QImage renderToImage(QWidget *content, QSize size);

// PNG or SVG, chosen by the file's extension (case-insensitive). SVG keeps lines and text as vectors.
// Returns false, with a warning on the "breakerwatch.charts" category, for any other extension or a file that
// cannot be written. `title` becomes the SVG's title.
bool saveAs(QWidget *content, const QString &file, QSize size, const QString &title);

} // namespace chartexport

} // namespace bw
