// A test helper: start a program with its standard output and error on fresh pipes and no other
// descriptor of the test process (NIO's sockets are not close-on-exec, and a child holding a test's
// sockets keeps connections open), without Foundation's Process.
#ifndef C_PROCESS_SPAWN_H
#define C_PROCESS_SPAWN_H

#include <sys/types.h>

/// Starts `path` with `argv` and `envp` (both NULL-terminated); standard input is /dev/null, standard
/// output and error are new pipes whose reading ends are returned. Returns 0 or an errno value.
int cps_spawn(const char *path, char *const argv[], char *const envp[], pid_t *pid, int *out_fd, int *err_fd);

/// Blocks until `pid` has exited, without reaping it (so it can still be signalled safely). Returns 0 or an errno value.
int cps_wait_exited(pid_t pid);

/// Reaps `pid` and returns its exit status, or 128 + the signal that ended it, or -1 on error.
int cps_reap(pid_t pid);

#endif
