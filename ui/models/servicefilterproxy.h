#pragma once

#include <QSortFilterProxyModel>

namespace bw {

// Filters the service table by text (any column) and by state, and sorts by ServiceTableModel::SortRole.
class ServiceFilterProxy final : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    enum class StateFilter : std::uint8_t
    {
        All,
        NotClosed, // the simulated or the real breaker is not closed
        Flapping,
        Problems // not closed, flapping, or the last check failed
    };
    explicit ServiceFilterProxy(QObject *parent = nullptr);

    void setStateFilter(StateFilter filter);
    StateFilter stateFilter() const { return m_state; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    StateFilter m_state = StateFilter::All;
};

} // namespace bw
