/** Models on disk: the safetensors format and model directories (config.json + weights). */
export { encodeSafetensors, decodeSafetensors } from "./safetensors.js";
export type { SafetensorsContents } from "./safetensors.js";
export { saveSafetensors, loadSafetensors } from "./safetensors-file.js";
export { writeFileAtomic } from "./atomic-write.js";
export { save, load, CONFIG_FILE, WEIGHTS_FILE } from "./model-dir.js";
export { checkModelConfig, MODEL_FORMAT, MODEL_FORMAT_VERSION } from "./model-config.js";
export type { ModelConfig, ModelConfigInput, Normalization } from "./model-config.js";
export { mlpLayers, describeSequential, buildSequential, checkArchitecture, ACTIVATIONS } from "./layer-spec.js";
export type { LayerSpec, Activation } from "./layer-spec.js";
export type { BasicLayerSpec } from "./basic-layer-kinds.js";
export type { AvgPoolSpec, BatchNormSpec, CnnLayerSpec, ConvSpec, ConvTransposeSpec, MaxPoolSpec } from "./cnn-layer-kinds.js";
export type { ActivationLayerSpec } from "./activation-layer-kinds.js";
export type { AttentionLayerSpec, TransformerEncoderSpec } from "./attention-layer-kinds.js";
export { exportOnnx } from "./onnx/export-onnx.js";
export type { OnnxExportOptions } from "./onnx/export-onnx.js";
export { importOnnx } from "./onnx/import-onnx.js";
export type { ImportedOnnx } from "./onnx/import-onnx.js";
export { saveOnnx, loadOnnx } from "./onnx/onnx-file.js";
