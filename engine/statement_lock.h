#pragma once

#include <pthread.h>

namespace freshet::engine {

/// The sessions' statement lock: statements that only read the catalog (queries, INSERT,
/// UPDATE, DELETE, MERGE, COPY, transaction control) hold it shared and run in parallel — the
/// store's optimistic transactions settle their row conflicts (40001) and the commit protocol
/// has its own mutex (StreamEngine::commit_mutex). Statements that change the catalog or the
/// set of running dataflows (DDL, TRUNCATE, and every statement of a transaction that did DDL)
/// hold it exclusively. Writer-preferring, so a stream of readers cannot starve a DDL: once an
/// exclusive locker waits, new shared lockers queue behind it. Satisfies the standard
/// SharedMutex requirements (std::unique_lock / std::shared_lock work on it).
class StatementLock {
 public:
  StatementLock() {
    pthread_rwlockattr_t attr;
    pthread_rwlockattr_init(&attr);
    pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
    pthread_rwlock_init(&lock_, &attr);
    pthread_rwlockattr_destroy(&attr);
  }
  ~StatementLock() { pthread_rwlock_destroy(&lock_); }
  StatementLock(const StatementLock&) = delete;
  StatementLock& operator=(const StatementLock&) = delete;

  void lock() { pthread_rwlock_wrlock(&lock_); }
  bool try_lock() { return pthread_rwlock_trywrlock(&lock_) == 0; }
  void unlock() { pthread_rwlock_unlock(&lock_); }
  void lock_shared() { pthread_rwlock_rdlock(&lock_); }
  bool try_lock_shared() { return pthread_rwlock_tryrdlock(&lock_) == 0; }
  void unlock_shared() { pthread_rwlock_unlock(&lock_); }

 private:
  pthread_rwlock_t lock_;
};

}  // namespace freshet::engine
