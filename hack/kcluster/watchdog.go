package main

import (
	"os"
	"strconv"
	"syscall"
	"time"
)

// parentWatchdogEnv names the environment variable through which the test
// environment asks a component to stop when its parent process disappears.
// Without it, a test runner killed with SIGKILL would leave API servers and
// etcd running forever.
const parentWatchdogEnv = "KCLUSTER_PARENT_PID"

func startParentWatchdog() {
	want, err := strconv.Atoi(os.Getenv(parentWatchdogEnv))
	if err != nil || want <= 1 {
		return
	}
	go func() {
		for range time.Tick(500 * time.Millisecond) {
			if os.Getppid() != want {
				// SIGTERM lets each component run its own graceful shutdown.
				_ = syscall.Kill(os.Getpid(), syscall.SIGTERM)
				time.Sleep(10 * time.Second)
				os.Exit(3)
			}
		}
	}()
}
