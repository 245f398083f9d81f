namespace Pipeline.Storage;

public enum FilterOp { Eq, Ne, Gt, Gte, Lt, Lte, In, Exists }
