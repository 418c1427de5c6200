/** nabla.nn: modules, layers, losses and their functional forms, with PyTorch's semantics. */
export { Module } from "./module.js";
export type { LoadStateDictOptions, LoadStateDictResult, RegisterBufferOptions } from "./module.js";
export { Parameter } from "./parameter.js";
export { Linear } from "./linear.js";
export type { LinearOptions } from "./linear.js";
export { Sequential } from "./sequential.js";
export type { TensorModule } from "./sequential.js";
export { ReLU, Tanh, Sigmoid, Softmax, LogSoftmax, GELU, SiLU, LeakyReLU, ELU, Softplus, Hardtanh, LogSigmoid } from "./activations.js";
export type { GELUOptions, SoftplusOptions } from "./activations.js";
export { Dropout, Dropout1d, Dropout2d, DropoutNd } from "./dropout.js";
export { Flatten } from "./flatten.js";
export { Unflatten } from "./unflatten.js";
export { Upsample } from "./upsample.js";
export { ModuleList } from "./module-list.js";
export type { AnyModule } from "./module-list.js";
export { ModuleDict } from "./module-dict.js";
export { Identity } from "./identity.js";
export { Conv1d, Conv2d, ConvTranspose2d } from "./conv.js";
export type { Conv1dModuleOptions, Conv2dModuleOptions, ConvTranspose2dModuleOptions, PaddingMode } from "./conv.js";
export { MaxPool2d, AvgPool2d, AdaptiveAvgPool2d, MaxPool1d, AvgPool1d } from "./pooling.js";
export type { MaxPool2dModuleOptions, AvgPool2dModuleOptions } from "./pooling.js";
export { BatchNorm1d, BatchNorm2d } from "./batch-norm.js";
export type { BatchNormModuleOptions } from "./batch-norm.js";
export { LayerNorm, GroupNorm } from "./layer-norm.js";
export type { LayerNormModuleOptions } from "./layer-norm.js";
export { Embedding } from "./embedding.js";
export type { EmbeddingModuleOptions } from "./embedding.js";
export { MultiheadAttention } from "./multihead-attention.js";
export type { MultiheadAttentionOptions, MultiheadAttentionForwardOptions } from "./multihead-attention.js";
export { TransformerEncoderLayer } from "./transformer-encoder-layer.js";
export type { TransformerEncoderLayerOptions, TransformerEncoderLayerForwardOptions } from "./transformer-encoder-layer.js";
export { TransformerEncoder } from "./transformer-encoder.js";
export { CosineSimilarity, PairwiseDistance } from "./similarity.js";
export type { TransformerEncoderOptions } from "./transformer-encoder.js";
export { RNN, LSTM, GRU } from "./rnn.js";
export type { RNNOptions, RNNModuleOptions, LSTMOptions } from "./rnn.js";
export { RNNCell, LSTMCell, GRUCell } from "./rnn-cell.js";
export type { RNNCellOptions, RNNCellModuleOptions } from "./rnn-cell.js";
export type { RecurrentMode } from "./recurrent-step.js";
export { CrossEntropyLoss, NLLLoss, BCELoss, BCEWithLogitsLoss, MSELoss, L1Loss, SmoothL1Loss, HuberLoss, KLDivLoss } from "./loss.js";
/** The stateless functions behind the layers and losses (PyTorch's `torch.nn.functional`). */
export * as functional from "./functional/index.js";
/** Weight initialisation (PyTorch's `torch.nn.init`), drawing from the seeded default generator unless given another. */
export * as init from "./init.js";
/** Helpers around training: gradient clipping (PyTorch's `torch.nn.utils`). */
export * as utils from "./utils/index.js";
export type { InitOptions } from "./init.js";
export type { Reduction, LossOptions, ClassTarget } from "./functional/index.js";
