#include "harness/exec/interrupts.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <initializer_list>

namespace repro {
namespace {

// Globals because a signal handler can reach nothing else; this file is their only user.
int g_signal_pipe[2] = {-1, -1};
volatile sig_atomic_t g_interrupts = 0;
volatile sig_atomic_t g_warned = 0;

void OnInterruptSignal(int signal_number) {
  int saved_errno = errno;
  if (signal_number == SIGUSR2) g_warned = 1;
  g_interrupts = g_interrupts + 1;
  if (g_signal_pipe[1] >= 0) (void)!::write(g_signal_pipe[1], "!", 1);
  errno = saved_errno;
}

}  // namespace

void InstallInterruptHandlers(bool warning_signal) {
  if (g_signal_pipe[0] >= 0) return;
  if (::pipe2(g_signal_pipe, O_CLOEXEC | O_NONBLOCK) != 0) return;
  struct sigaction action {};
  action.sa_handler = OnInterruptSignal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  for (int signal_number : {SIGINT, SIGTERM, SIGHUP}) ::sigaction(signal_number, &action, nullptr);
  if (warning_signal) ::sigaction(SIGUSR2, &action, nullptr);
  ::signal(SIGPIPE, SIG_IGN);
}

int InterruptCount() { return g_interrupts; }
bool WarningSignalReceived() { return g_warned != 0; }

int InterruptPipeFd() { return g_signal_pipe[0]; }

void DrainInterruptPipe() {
  char buffer[64];
  while (::read(g_signal_pipe[0], buffer, sizeof(buffer)) > 0) {
  }
}

}  // namespace repro
