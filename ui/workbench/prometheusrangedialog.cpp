#include "workbench/prometheusrangedialog.h"

#include <QDateTimeEdit>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLineEdit>
#include <QSpinBox>

using namespace Qt::StringLiterals;

namespace bw {

PrometheusRangeDialog::PrometheusRangeDialog(QWidget *parent)
    : QDialog(parent), m_url(new QLineEdit(this)), m_requests(new QLineEdit(this)), m_failures(new QLineEdit(this)),
      m_up(new QLineEdit(this)), m_from(new QDateTimeEdit(this)), m_to(new QDateTimeEdit(this)),
      m_step(new QSpinBox(this))
{
    setWindowTitle(tr("History from Prometheus"));
    auto *form = new QFormLayout(this);
    m_url->setPlaceholderText(u"http://prometheus:9090"_s);
    form->addRow(tr("&Server:"), m_url);
    m_requests->setToolTip(tr("A per-second request rate; several series are summed"));
    form->addRow(tr("&Requests per second:"), m_requests);
    m_failures->setToolTip(tr("A per-second failure rate; nothing returned means no failures"));
    form->addRow(tr("&Failures per second:"), m_failures);
    m_up->setPlaceholderText(tr("optional, e.g. min(up{job=\"checkout\"}): 0 marks an outage"));
    form->addRow(tr("&Up (outages):"), m_up);
    for (QDateTimeEdit *edit : {m_from, m_to}) {
        edit->setCalendarPopup(true);
        edit->setDisplayFormat(u"yyyy-MM-dd HH:mm"_s);
    }
    form->addRow(tr("F&rom:"), m_from);
    form->addRow(tr("&To:"), m_to);
    m_step->setRange(1, 3600);
    m_step->setValue(15);
    m_step->setSuffix(tr(" s"));
    m_step->setToolTip(tr("Each step's calls are spread evenly over it, as live metrics feed the breaker"));
    form->addRow(tr("S&tep:"), m_step);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    form->addRow(buttons);
    setService(u"checkout"_s);
    resize(620, sizeHint().height());
}

void PrometheusRangeDialog::setServer(const PrometheusServerConfig &server)
{
    m_server = server;
    m_url->setText(server.url.toString());
}

void PrometheusRangeDialog::setService(const QString &service)
{
    m_service = service;
    m_requests->setText(u"sum(rate(http_requests_total{job=\"%1\"}[1m]))"_s.arg(service));
    m_failures->setText(u"sum(rate(http_requests_total{job=\"%1\",code=~\"5..\"}[1m]))"_s.arg(service));
}

void PrometheusRangeDialog::setRange(std::int64_t fromMs, std::int64_t toMs)
{
    m_from->setDateTime(QDateTime::fromMSecsSinceEpoch(fromMs));
    m_to->setDateTime(QDateTime::fromMSecsSinceEpoch(toMs));
}

BackfillRequest PrometheusRangeDialog::request() const
{
    BackfillRequest r;
    r.server = m_server;
    r.server.url = QUrl::fromUserInput(m_url->text().trimmed());
    r.requestsQuery = m_requests->text().trimmed();
    r.failuresQuery = m_failures->text().trimmed();
    r.upQuery = m_up->text().trimmed();
    r.fromMs = m_from->dateTime().toMSecsSinceEpoch();
    r.toMs = m_to->dateTime().toMSecsSinceEpoch();
    r.stepMs = m_step->value() * 1000LL;
    r.service = m_service;
    return r;
}

} // namespace bw
