export * from './analyze';
export * from './births';
export * from './origins';
export * from './format';
export * from './drive';
