/** The GPUs area (records; metrics and recommendations register their own routes). */
import type { ApiDeps } from '../deps.js';
import type { ApiRouter } from '../route_table.js';
import { registerCreateGpu } from './create_gpu.js';
import { registerDeleteGpu } from './delete_gpu.js';
import { registerGetGpu } from './get_gpu.js';
import { registerListGpus } from './list_gpus.js';
import { registerUpdateGpu } from './update_gpu.js';

/** Registers every GPU-record route. */
export function registerGpuRoutes(router: ApiRouter, deps: ApiDeps): void {
  registerListGpus(router, deps);
  registerCreateGpu(router, deps);
  registerGetGpu(router, deps);
  registerUpdateGpu(router, deps);
  registerDeleteGpu(router, deps);
}
