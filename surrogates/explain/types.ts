/** Mean predictions for rows of inputs: result[i][j] for row i and output j. */
export type MeanPredictor = (x: readonly (readonly number[])[]) => number[][];
