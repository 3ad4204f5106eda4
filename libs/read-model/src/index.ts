export const readModelEntities: Function[] = [];
