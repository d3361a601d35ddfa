#!/bin/bash
# Runs a mesolab study across a Slurm job array: task i of N runs the design points whose index
# is i modulo N (--shard i/N) into its own folder; a last job merges the shards once all are done.
#
#   sbatch --array=0-15 examples/slurm-array.sh examples/study-electrodes.yaml
#   # after the array: sbatch --dependency=afterok:<array job id> --wrap \
#   #   "npx mesolab merge studies/electrodes/shard-* -o studies/electrodes/merged"
#
# Rerunning a task (after a node failure, a time-out or a requeue) resumes its shard: finished
# runs are kept, none is duplicated. Add --retry-failed to rerun recorded failures.
#SBATCH --job-name=mesolab-sweep
#SBATCH --cpus-per-task=8
#SBATCH --mem=16G
#SBATCH --time=04:00:00
#SBATCH --output=logs/%x-%A_%a.out
#SBATCH --requeue
set -euo pipefail

STUDY=${1:?usage: sbatch --array=0-<N-1> slurm-array.sh <study.json|yaml> [output root]}
ROOT=${2:-studies/$(basename "${STUDY%.*}")}
N=${SLURM_ARRAY_TASK_COUNT:?run as a job array (sbatch --array=0-<N-1>)}
I=${SLURM_ARRAY_TASK_ID}

mkdir -p "$ROOT" logs
# One worker per allocated core; progress goes to the log as plain lines (no TTY).
npx mesolab sweep "$STUDY" --shard "$I/$N" --workers "${SLURM_CPUS_PER_TASK:-1}" -o "$ROOT/shard-$I"
