"""One search over packages and items (jieba, pypinyin, OpenCC, BM25) and questions about a
guide (智能问答).
"""
