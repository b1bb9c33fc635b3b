export { FixedLsm, type FixedLsmParams, type InputRaster } from './encoder.js';
export { applyDevice, quantise, deviceSpread, type DeviceModel } from './device.js';
export { imageRaster, audioRaster, IMAGE_RASTER_DEFAULTS, AUDIO_BINS, AUDIO_CHANNELS, type ImageRasterOptions, type AudioEvents } from './rasters.js';
