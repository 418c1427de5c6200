import "../helpers.js";
import { testDocument } from "./code-blocks.js";

testDocument("docs/batch-norm.md", 5);
