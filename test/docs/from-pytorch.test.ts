import "../helpers.js";
import { testDocument } from "./code-blocks.js";

testDocument("docs/from-pytorch.md", 2);
