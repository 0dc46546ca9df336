// Package entry (`upscope-widget`): the visitor SDK. Only re-exports; the code is in src/visitor/.
export * from './visitor/index.js';
