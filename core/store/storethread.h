#pragma once

#include "store/storeworker.h"

#include <QThread>

#include <memory>

namespace bw {

// The history store on a thread of its own, so that its synchronous=FULL commits (an fsync each) and flushes never
// hold up the GUI thread. Created on the GUI (or main) thread; the store itself is created on the worker thread,
// not opened: open and restore it with worker()->call() before the window shows, then record through a
// StoreRecorder. Destruction writes everything queued so far, closes the file and ends the thread (it waits).
class StoreThread final
{
public:
    StoreThread(StoreOptions options, StoreWorker::Clock clock);
    ~StoreThread();
    StoreThread(const StoreThread &) = delete;
    StoreThread &operator=(const StoreThread &) = delete;

    StoreWorker *worker() const { return m_worker; }

private:
    struct QuitAndWait
    {
        void operator()(QThread *thread) const;
    };
    std::unique_ptr<QThread, QuitAndWait> m_thread;
    StoreWorker *m_worker; // lives on m_thread, deleted there when the thread finishes
};

} // namespace bw
