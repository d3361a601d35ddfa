// Registration point for one filling model, owned by that model's work; replaced as it lands.
export const options: ReadonlyArray<readonly [string, string]> = [];

export async function run(volumePath: string): Promise<void> {
  throw new Error(`this filling model is not built yet (volume ${volumePath})`);
}
