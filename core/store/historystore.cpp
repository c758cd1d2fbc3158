#include "store/historystore.h"

#include "store/historystore_p.h"

Q_LOGGING_CATEGORY(lcStore, "breakerwatch.store")

using namespace Qt::StringLiterals;

namespace bw {

using namespace storedetail;

HistoryStore::HistoryStore(StoreOptions options) : d(std::make_unique<Private>(std::move(options))) {}

HistoryStore::~HistoryStore()
{
    close();
}

QString HistoryStore::fileName()
{
    return u"breakerwatch.sqlite"_s;
}

QString HistoryStore::filePath() const
{
    return d->path;
}

bool HistoryStore::isOpen() const
{
    return d->open;
}

StoreHealth HistoryStore::health() const
{
    StoreHealth h;
    QStringList messages;
    if (!d->problem.isEmpty())
        messages << d->problem;
    if (!d->warning.isEmpty())
        messages << d->warning;
    h.state = messages.isEmpty() ? StoreHealth::State::Ok : StoreHealth::State::Degraded;
    h.message = messages.join(u"; "_s);
    h.droppedObservations = d->droppedObservations;
    h.droppedRecords = d->droppedRecords;
    h.bufferedObservations = d->unflushed;
    h.queuedRecords = d->queue.size();
    return h;
}

void HistoryStore::clearWarning()
{
    d->warning.clear();
}

} // namespace bw
