import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { hostname } from 'node:os';
import { join } from 'node:path';

/**
 * A throwaway single-node Slurm cluster (munged, slurmctld, slurmd) living in one folder, for
 * end-to-end tests of the job-array script. Needs Debian's slurm-wlm and munge, and root (slurmd
 * starts job steps as their user).
 */
export interface SlurmCluster {
  dir: string;
  /** Environment for the Slurm client commands (SLURM_CONF). */
  env: NodeJS.ProcessEnv;
  /** Runs a Slurm client command (sbatch, squeue, scontrol...) against this cluster; returns stdout. */
  run(command: string, args: readonly string[]): string;
  /** Stops the three daemons this helper started (by their pids). */
  stop(): void;
}

const NEEDED = ['munged', 'mungekey', 'slurmctld', 'slurmd', 'sbatch', 'squeue', 'scontrol', 'sinfo'];

function onPath(command: string): boolean {
  const dirs = (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/sbin']);
  return dirs.some((d) => d && existsSync(join(d, command)));
}

/** Why a Slurm cluster cannot be started here, or undefined when it can. */
export function slurmUnavailable(): string | undefined {
  const missing = NEEDED.filter((c) => !onPath(c));
  if (missing.length) return `no ${missing.join(', ')} on this machine (apt-get install slurm-wlm munge)`;
  if (process.getuid?.() !== 0) return 'slurmd must run as root to start job steps, and this test runs as another user';
  return undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function binary(command: string): string {
  for (const d of ['/usr/sbin', '/sbin', ...(process.env.PATH ?? '').split(':')]) if (d && existsSync(join(d, command))) return join(d, command);
  return command;
}

/**
 * Configures and starts munged, slurmctld and slurmd in `dir` (one node with `cpus` CPUs, one
 * partition), and waits until the node is idle. KillWait is short so a requeue ends the old task
 * within seconds.
 */
export async function startSlurm(dir: string, cpus: number): Promise<SlurmCluster> {
  const munge = join(dir, 'munge');
  mkdirSync(munge, { recursive: true });
  mkdirSync(join(dir, 'state'), { recursive: true });
  mkdirSync(join(dir, 'spool'), { recursive: true });
  chmodSync(munge, 0o700);
  const key = join(munge, 'munge.key');
  const socket = join(munge, 'munge.sock');
  execFileSync(binary('mungekey'), ['-c', '-k', key]);
  const pids: string[] = [];
  const stop = (): void => {
    const stopped: number[] = [];
    for (const file of pids) {
      if (!existsSync(file)) continue;
      const pid = Number(readFileSync(file, 'utf8').trim());
      if (!Number.isInteger(pid) || pid <= 0) continue;
      try {
        process.kill(pid, 'SIGTERM');
        stopped.push(pid);
      } catch {
        // already gone
      }
    }
    // Wait (up to 10 s) until they have exited, so the folder can be removed behind them.
    const alive = (pid: number): boolean => existsSync(`/proc/${pid}`) && !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    const nap = new Int32Array(new SharedArrayBuffer(4));
    for (let t = 0; t < 10_000 && stopped.some(alive); t += 100) Atomics.wait(nap, 0, 0, 100);
  };
  try {
    execFileSync(binary('munged'), ['--force', `--socket=${socket}`, `--key-file=${key}`, `--log-file=${join(munge, 'munged.log')}`, `--pid-file=${join(munge, 'munged.pid')}`, `--seed-file=${join(munge, 'munged.seed')}`]);
    pids.push(join(munge, 'munged.pid'));
    const host = hostname();
    const [ctldPort, dPort] = [await freePort(), await freePort()];
    const conf = join(dir, 'slurm.conf');
    writeFileSync(
      conf,
      [
        'ClusterName=mesolabtest',
        `SlurmctldHost=${host}`,
        'SlurmUser=root',
        'SlurmdUser=root',
        'AuthType=auth/munge',
        `AuthInfo=socket=${socket}`,
        'CredType=cred/munge',
        `SlurmctldPort=${ctldPort}`,
        `SlurmdPort=${dPort}`,
        `StateSaveLocation=${join(dir, 'state')}`,
        `SlurmdSpoolDir=${join(dir, 'spool')}`,
        `SlurmctldPidFile=${join(dir, 'slurmctld.pid')}`,
        `SlurmdPidFile=${join(dir, 'slurmd.pid')}`,
        `SlurmctldLogFile=${join(dir, 'slurmctld.log')}`,
        `SlurmdLogFile=${join(dir, 'slurmd.log')}`,
        // No cgroups: the test may run in a container without a writable cgroup tree.
        'ProctrackType=proctrack/linuxproc',
        'TaskPlugin=task/none',
        'SwitchType=switch/none',
        'MpiDefault=none',
        'JobAcctGatherType=jobacct_gather/none',
        'AccountingStorageType=accounting_storage/none',
        'JobCompType=jobcomp/none',
        'SchedulerType=sched/builtin',
        'SelectType=select/cons_tres',
        'SelectTypeParameters=CR_Core',
        'ReturnToService=2',
        'KillWait=5',
        // The node's CPUs and memory are what the config says, whatever the machine reports.
        'SlurmdParameters=config_overrides',
        `NodeName=${host} CPUs=${cpus} RealMemory=4000 State=UNKNOWN`,
        'PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP',
        '',
      ].join('\n'),
    );
    const env = { ...process.env, SLURM_CONF: conf };
    execFileSync(binary('slurmctld'), ['-c', '-i'], { env });
    pids.push(join(dir, 'slurmctld.pid'));
    execFileSync(binary('slurmd'), [], { env });
    pids.push(join(dir, 'slurmd.pid'));
    const run = (command: string, args: readonly string[]): string => {
      const r = spawnSync(binary(command), args, { env, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
      return r.stdout;
    };
    for (let t = 0; ; t += 250) {
      let state = '';
      try {
        state = run('sinfo', ['-h', '-o', '%T']).trim();
      } catch {
        // slurmctld still starting
      }
      if (state === 'idle') break;
      if (t > 30_000) throw new Error(`the Slurm node did not come up (state "${state}"); see ${dir}/slurmctld.log and slurmd.log`);
      await sleep(250);
    }
    return { dir, env, run, stop };
  } catch (e) {
    stop();
    throw e;
  }
}
