/** Models on disk: the safetensors format and model directories (config.json + weights). */
export { encodeSafetensors, decodeSafetensors } from "./safetensors.js";
export type { SafetensorsContents } from "./safetensors.js";
export { saveSafetensors, loadSafetensors } from "./safetensors-file.js";
export { writeFileAtomic } from "./atomic-write.js";
