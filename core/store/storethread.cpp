#include "store/storethread.h"

using namespace Qt::StringLiterals;

namespace bw {

void StoreThread::QuitAndWait::operator()(QThread *thread) const
{
    thread->quit();
    thread->wait();
    delete thread;
}

StoreThread::StoreThread(StoreOptions options, StoreWorker::Clock clock)
    : m_thread(new QThread), m_worker(new StoreWorker(std::move(options), std::move(clock)))
{
    m_thread->setObjectName(u"history store"_s);
    m_worker->moveToThread(m_thread.get());
    QObject::connect(m_thread.get(), &QThread::finished, m_worker, &QObject::deleteLater);
    m_thread->start();
    QMetaObject::invokeMethod(m_worker, &StoreWorker::start, Qt::BlockingQueuedConnection);
}

StoreThread::~StoreThread()
{
    // Runs after every call queued before it: all of it is written before the file closes.
    QMetaObject::invokeMethod(m_worker, &StoreWorker::finish, Qt::BlockingQueuedConnection);
}

} // namespace bw
