/*
 * pause -- holds a network namespace for the containers that share it (the compose stack's
 * node-R-N "hosts": one Redis server and its agent join the namespace of a container running
 * this), the way a Kubernetes pod's pause container does. It sleeps until SIGTERM or SIGINT and
 * exits 0. Built statically by compose/images/build.sh (gcc -static), so its image holds one file.
 */
#include <signal.h>
#include <unistd.h>

static void stop(int signo) {
  (void) signo;
  _exit(0);
}

int main(void) {
  signal(SIGTERM, stop);
  signal(SIGINT, stop);
  for (;;) {
    pause();
  }
}
