#!/bin/bash
# Runs a mesolab study across a Slurm job array: task i of N runs the design points whose index
# is i modulo N (--shard i/N) into its own folder, <root>/shard-i; a last job merges the shards
# once all are done. The output root defaults to studies/<the study's name> (the folder a plain
# `mesolab sweep` of the same study writes), e.g. studies/electrodes for study-electrodes.yaml:
#
#   mkdir -p logs   # Slurm opens the log file below before this script runs
#   sbatch --array=0-15 examples/slurm-array.sh examples/study-electrodes.yaml
#   # after the array: sbatch --dependency=afterok:<array job id> --wrap \
#   #   "npx mesolab merge studies/electrodes/shard-* -o studies/electrodes/merged"
#
# Rerunning a task (after a node failure, a time-out or a requeue) resumes its shard: finished
# runs are kept, none is duplicated. Add --retry-failed to rerun recorded failures.
# Tested end to end under a single-node Slurm (test/slurm-array.test.ts).
#SBATCH --job-name=mesolab-sweep
#SBATCH --cpus-per-task=8
#SBATCH --mem=16G
#SBATCH --time=04:00:00
#SBATCH --output=logs/%x-%A_%a.out
#SBATCH --open-mode=append
#SBATCH --requeue
set -euo pipefail

STUDY=${1:?usage: sbatch --array=0-<N-1> slurm-array.sh <study.json|yaml> [output root, default studies/<study name>]}
# mesolab replaces {name} with the study's name.
DEFAULT_ROOT='studies/{name}'
ROOT=${2:-$DEFAULT_ROOT}
N=${SLURM_ARRAY_TASK_COUNT:?run as a job array (sbatch --array=0-<N-1>)}
I=${SLURM_ARRAY_TASK_ID}

mkdir -p logs
# mesolab runs as this job's own process, not under npx, which does not pass Slurm's SIGTERM on:
# so a requeue, scancel or time-out stops the sweep cleanly (finished runs kept, running ones
# rerun when the task starts again). Installed (global or local) or a checkout; MESOLAB overrides.
if [ -z "${MESOLAB:-}" ]; then
  for m in "$(command -v mesolab || true)" node_modules/.bin/mesolab bin/mesolab.js; do
    if [ -n "$m" ] && [ -x "$m" ]; then MESOLAB=$m; break; fi
  done
fi
: "${MESOLAB:?mesolab not found: install it (npm install mesolab), run from a checkout, or set MESOLAB}"
# The allocated cores are the sweep's thread budget (workers × threads inside each run); progress
# goes to the log as plain lines (no TTY).
exec "$MESOLAB" sweep "$STUDY" --shard "$I/$N" --cores "${SLURM_CPUS_PER_TASK:-1}" -o "$ROOT/shard-$I"
