// The runner's interrupt signals (SIGINT, SIGTERM, SIGHUP and, for Slurm, SIGUSR2): the one
// owner of the handlers and of the pipe they write to, so a poll loop can wait for output,
// exits and signals at once without losing a signal that arrives before it sleeps.
#pragma once

namespace repro {

// Installs handlers so that SIGINT, SIGTERM and SIGHUP are recorded instead of killing the
// runner; the ProcessSet reacts to them. Idempotent; ignores SIGPIPE from then on.
// With "warning_signal", SIGUSR2 interrupts too: Slurm's --signal=B:USR2@N says the job's
// time limit is N seconds away, and the job-side supervisor stops its attempt cleanly.
void InstallInterruptHandlers(bool warning_signal = false);
// How many interrupt signals have arrived so far.
int InterruptCount();
bool WarningSignalReceived();

// The read end of the pipe each interrupt writes a byte to; -1 before the handlers are
// installed. A poll loop watches it and calls DrainInterruptPipe() when it is readable.
int InterruptPipeFd();
void DrainInterruptPipe();

}  // namespace repro
