import "../helpers.js";
import { testDocument } from "./code-blocks.js";

testDocument("docs/convolution.md", 7);
