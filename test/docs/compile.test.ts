import "../helpers.js";
import { testDocument } from "./code-blocks.js";

testDocument("docs/compile.md", 4);
