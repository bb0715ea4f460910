"""Spatial control (issue #20, 空间管控): layers of environmental control units (环境管控单元),
ecological red lines (生态保护红线), drinking-water source protection zones (饮用水水源保护区) and
parks; import and export with per-feature validation; the siting check (项目选址研判)."""
