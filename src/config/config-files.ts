import { readFileSync } from 'node:fs';
import { type Static, type TSchema, Type } from 'typebox';
import { Compile } from 'typebox/compile';
import { type Dataset, DatasetSchema, type Purpose, PurposeSchema } from './config.schema.ts';
import { ConfigError } from './config-error.ts';

const DatasetsFileSchema = Type.Object(
  { datasets: Type.Array(DatasetSchema, { minItems: 1 }) },
  { additionalProperties: false },
);

const PurposesFileSchema = Type.Object(
  { purposes: Type.Array(PurposeSchema, { minItems: 1 }) },
  { additionalProperties: false },
);

function readConfigFile<T extends TSchema>(file: string, what: string, schema: T): Static<T> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`cannot read the ${what} file \`${file}\`: ${(error as Error).message}`, { cause: error });
  }
  const check = Compile(schema);
  if (!check.Check(parsed)) {
    const first = [...check.Errors(parsed)][0];
    throw new ConfigError(`the ${what} file \`${file}\` is invalid at \`${first?.instancePath}\`: ${first?.message}`);
  }
  return parsed as Static<T>;
}

export function readPurposes(file: string): Purpose[] {
  return readConfigFile(file, 'purposes', PurposesFileSchema).purposes;
}

/** Reads the dataset register; every purpose a dataset was gathered for must be a configured purpose. */
export function readDatasets(file: string, purposes: Purpose[]): Dataset[] {
  const { datasets } = readConfigFile(file, 'datasets', DatasetsFileSchema);
  const known = new Set(purposes.map((p) => p.code));
  for (const dataset of datasets) {
    for (const purpose of dataset.gatheredFor) {
      if (!known.has(purpose))
        throw new ConfigError(`dataset \`${dataset.code}\` names \`${purpose}\`, which is not a configured purpose`);
    }
  }
  return datasets;
}
