export { shanghaiDocument, shanghaiDirectory } from './shanghai-directory.fixture';
