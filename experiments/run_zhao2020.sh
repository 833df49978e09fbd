#!/bin/sh
# Reproduce Zhao et al. (2020), Table 2, into experiments/zhao2020/ (resumable: run it again
# to continue after an interruption, or raise the seed counts to add seeds).
# One process at low priority, fast models first (RNN, LSTM and MRNNF take seconds per run;
# the step-loop models MRNN, MLSTMF and MLSTM take minutes). Add --jobs J or
# --scheduler tcp://HOST:8786 to spread the runs.
set -e
OUT=${OUT:-experiments/zhao2020}
JOBS=${JOBS:-1}
nice -n 10 rnnmem reproduce zhao2020 --models RNN LSTM MRNNF --seeds 10 --jobs "$JOBS" --out "$OUT"
nice -n 10 rnnmem reproduce zhao2020 --models MRNN MLSTMF MLSTM --datasets arfima --seeds 10 --jobs "$JOBS" --out "$OUT"
nice -n 10 rnnmem reproduce zhao2020 --models MRNN MLSTMF MLSTM --datasets dji traffic tree --seeds 5 --jobs "$JOBS" --out "$OUT"
# More seeds for every cell, seeds outermost (an interrupted pass leaves balanced counts);
# the paper used 100.
nice -n 10 rnnmem reproduce zhao2020 --seeds "${SEEDS:-100}" --jobs "$JOBS" --out "$OUT"
