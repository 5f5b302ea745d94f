// Stops a local Worker's process group when the process that started it is gone, even
// after a `kill -9` that gave it no chance to clean up. Started detached by
// startWorker(): `node watchdog.ts <parent pid> <process group id>`.
export {};

const [parentPid, group] = process.argv.slice(2).map(Number);

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const timer = setInterval(() => {
  if (!alive(group)) process.exit(0); // the Worker stopped by itself or was stopped
  if (alive(parentPid)) return;
  clearInterval(timer);
  try {
    process.kill(-group, 'SIGTERM');
  } catch {
    process.exit(0);
  }
  setTimeout(() => {
    try {
      process.kill(-group, 'SIGKILL');
    } catch {
      /* already gone */
    }
    process.exit(0);
  }, 5000);
}, 500);
