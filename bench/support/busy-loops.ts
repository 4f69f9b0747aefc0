/**
 * Plain CPU busy loops in child processes at a chosen niceness, for the scheduler-floor sample of
 * benchmark 4: with both CPUs taken by niced processes that do nothing but spin (no import, no
 * database, no I/O), the API's latency shows what the operating system's scheduler alone costs a
 * request that has to win a CPU back from them. An import's load cannot cost less than that.
 *
 * The loops must never outlive the benchmark: `stop()` kills them, a process 'exit' hook kills any
 * left (an error or Ctrl-C in the benchmark), and each loop also ends by itself when its parent is
 * gone or after `maxSeconds`, in case the benchmark is killed outright (SIGKILL runs no hook).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * The child: set its niceness, say so, then spin, checking every ~50 ms that it should go on. Its
 * parent is gone when its own parent pid (field 4 of /proc/self/stat; Node's process.ppid is read
 * once at start) is no longer the benchmark's: signalling the old pid would not tell, since a
 * killed parent lingers as a zombie until its own parent reaps it.
 */
const LOOP = `
const os = require('node:os');
const fs = require('node:fs');
const [nice, parent, maxSeconds] = process.argv.slice(1).map(Number);
const ppid = () => Number(fs.readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ')[1]);
os.setPriority(nice);
process.stdout.write(String(os.getPriority()) + '\\n');
const deadline = Date.now() + maxSeconds * 1000;
for (;;) {
  const until = Date.now() + 50;
  while (Date.now() < until);
  if (Date.now() > deadline || ppid() !== parent) process.exit(0);
}`;

export class BusyLoops {
  private constructor(private readonly children: ChildProcess[]) {}

  /** Starts `count` loops at niceness `nice`; resolves once each has set it and is spinning. */
  static async start(count: number, nice: number, maxSeconds = 300): Promise<BusyLoops> {
    const children: ChildProcess[] = [];
    const loops = new BusyLoops(children);
    try {
      for (let i = 0; i < count; i++) {
        const child = spawn(process.execPath, ['-e', LOOP, String(nice), String(process.pid), String(maxSeconds)], { stdio: ['ignore', 'pipe', 'inherit'] });
        running.add(child);
        children.push(child);
      }
      await Promise.all(children.map((child) => reportedNiceness(child, nice)));
      return loops;
    } catch (error) {
      await loops.stop();
      throw error;
    }
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.children.map(async (child) => {
        running.delete(child);
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = once(child, 'exit');
        child.kill('SIGKILL');
        await exited;
      }),
    );
  }
}

/** Waits for the child's first line, its niceness as the kernel has it; fails if it is not `nice`. */
async function reportedNiceness(child: ChildProcess, nice: number): Promise<void> {
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (text: string) => {
      out += text;
      if (out.includes('\n')) resolve(out.trim());
    });
    child.once('exit', (code) => reject(new Error(`busy loop exited with ${code} before it started: ${out}`)));
  });
  if (Number(line) !== nice) throw new Error(`busy loop runs at niceness ${line}, not ${nice}`);
}
