/** The catalog the collector prices from: an imported CSV under the data dir, else the bundled one. */
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { loadCatalog, validateCatalogCsv, type Catalog, type CatalogValidation } from '@gpuoptimizer/shared';

/** Where `catalog import` puts a newer catalog. */
export function importedCatalogPath(dataDir: string): string {
  return join(dataDir, 'catalog', 'gpu-instances.csv');
}

/** Loads the imported catalog when there is one, otherwise the bundled catalog. */
export function loadActiveCatalog(dataDir: string): Catalog {
  const path = importedCatalogPath(dataDir);
  if (!existsSync(path)) return loadCatalog();
  return loadCatalog(readFileSync(path, 'utf8'), { fileName: basename(path) });
}

/** Validates a catalog CSV and, only when it is valid, installs it for the next start. */
export function importCatalog(dataDir: string, file: string): CatalogValidation {
  const result = validateCatalogCsv(readFileSync(file, 'utf8'), basename(file));
  if (result.ok) {
    mkdirSync(join(dataDir, 'catalog'), { recursive: true });
    copyFileSync(file, importedCatalogPath(dataDir));
  }
  return result;
}
