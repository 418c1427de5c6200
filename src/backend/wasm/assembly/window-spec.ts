// Sliding-window geometry shared by the convolution and pooling kernels: backend.ts's
// WindowSpec as 14 f64 at a `spec` address, batch first. Each kernel reads the fields it needs
// into locals (not globals: V8 reloads a mutable global on every use inside a loop).

export const BATCH = 0, CHANNELS = 1, HEIGHT = 2, WIDTH = 3, KERNEL_H = 4, KERNEL_W = 5, STRIDE_H = 6, STRIDE_W = 7;
export const PAD_H = 8, PAD_W = 9, DILATION_H = 10, DILATION_W = 11, OUT_H = 12, OUT_W = 13;

@inline export function field(spec: usize, index: i32): i32 {
  return <i32>load<f64>(spec + ((<usize>index) << 3));
}

@inline export function setField(spec: usize, index: i32, value: i32): void {
  store<f64>(spec + ((<usize>index) << 3), <f64>value);
}
