#pragma once

#include "whatif/prometheusbackfill.h"

#include <QDialog>

class QCheckBox;
class QDateTimeEdit;
class QLineEdit;
class QSpinBox;

namespace bw {

// Asks what to backfill from Prometheus: server, the request and failure rate queries (pre-filled for the service
// from the usual http_requests_total names), an optional up query, the range and the step.
class PrometheusRangeDialog final : public QDialog
{
    Q_OBJECT
public:
    explicit PrometheusRangeDialog(QWidget *parent = nullptr);

    void setServer(const PrometheusServerConfig &server);
    void setService(const QString &service);
    void setRange(std::int64_t fromMs, std::int64_t toMs);
    BackfillRequest request() const;

private:
    PrometheusServerConfig m_server;
    QString m_service;
    QLineEdit *m_url;
    QLineEdit *m_requests;
    QLineEdit *m_failures;
    QLineEdit *m_up;
    QDateTimeEdit *m_from;
    QDateTimeEdit *m_to;
    QSpinBox *m_step;
};

} // namespace bw
